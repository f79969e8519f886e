// Every Pod Security Standards control of the pack, and the set Pod Security Admission runs at a level.
import type { PodTemplate } from "../../../lib/pod-spec";
import { appArmor } from "./baseline/apparmor";
import { capabilitiesBaseline } from "./baseline/capabilities";
import { hostNamespaces } from "./baseline/host-namespaces";
import { hostPorts } from "./baseline/host-ports";
import { hostProbes } from "./baseline/host-probes";
import { hostProcess } from "./baseline/host-process";
import { hostPathVolumes } from "./baseline/hostpath-volumes";
import { privilegedContainers } from "./baseline/privileged-containers";
import { procMountType } from "./baseline/proc-mount-type";
import { seccompBaseline } from "./baseline/seccomp";
import { seLinux } from "./baseline/selinux";
import { sysctls } from "./baseline/sysctls";
import { capabilitiesRestricted } from "./restricted/capabilities";
import { privilegeEscalation } from "./restricted/privilege-escalation";
import { procMountTypeRestricted } from "./restricted/proc-mount-type";
import { runningAsNonRoot } from "./restricted/running-as-non-root";
import { runningAsNonRootUser } from "./restricted/running-as-non-root-user";
import { seccompRestricted } from "./restricted/seccomp";
import { volumeTypes } from "./restricted/volume-types";
import type { PodSecurityControl, PodSecurityLevel } from "./define";
import type { PodSecurityVersion } from "./versions";

export const podSecurityControls: PodSecurityControl[] = [
    hostProcess,
    hostNamespaces,
    privilegedContainers,
    capabilitiesBaseline,
    hostPathVolumes,
    hostPorts,
    hostProbes,
    appArmor,
    seLinux,
    procMountType,
    seccompBaseline,
    sysctls,
    volumeTypes,
    privilegeEscalation,
    runningAsNonRoot,
    runningAsNonRootUser,
    seccompRestricted,
    capabilitiesRestricted,
    procMountTypeRestricted,
];

/**
 * The controls PSA runs at a level: baseline's, or at restricted every baseline control not
 * overridden by a restricted one, plus the restricted ones (policy/registry.go, OverrideCheckIDs).
 */
export function controlsAtLevel(level: PodSecurityLevel): PodSecurityControl[] {
    if (level === "baseline") return podSecurityControls.filter((c) => c.level === "baseline");
    const overridden = new Set(podSecurityControls.flatMap((c) => c.overrides));
    return podSecurityControls.filter((c) => !overridden.has(c.name));
}

export interface PodSecurityDenial {
    policy: string;
    message: string;
}

/** What PSA refuses of a pod at a level and version; empty when it admits the pod. */
export function podSecurityDenials(level: PodSecurityLevel, version: PodSecurityVersion, pod: PodTemplate): PodSecurityDenial[] {
    return controlsAtLevel(level).flatMap((c) => c.judge(pod, version).map((message) => ({ policy: c.name, message })));
}
