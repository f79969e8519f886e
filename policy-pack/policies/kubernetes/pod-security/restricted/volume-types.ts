import { pssControls } from "../../../../lib/controls";
import { quoteList, volumeSources } from "../../../../lib/pod-spec";
import { arr, isObj, obj, str } from "../../../../lib/values";
import { podSecurityControl } from "../define";

const ALLOWED_SOURCES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

/**
 * check_restrictedVolumes.go: one version (1.0), into whose function Kubernetes 1.33 added the
 * `image` type (PR 130394), so it follows the cluster's version, not the namespace's pinned one.
 * A volume with no source reaches admission as an emptyDir. Replaces pss:baseline:hostpath-volumes at restricted.
 */
export const volumeTypes = podSecurityControl({
    name: "pss:restricted:volume-types",
    description:
        "Volumes are limited to configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret and (from 1.33) image.",
    severity: "medium",
    remediation: "Replace other volume sources (hostPath, nfs, iscsi, ...) with a PersistentVolumeClaim or one of the allowed types.",
    controls: pssControls("restricted", "volume-types"),
    overrides: ["pss:baseline:hostpath-volumes"],
    judge(pod, version) {
        const allowed = version.cluster >= 33 ? [...ALLOWED_SOURCES, "image"] : ALLOWED_SOURCES;
        const bad = arr(pod.spec.volumes)
            .filter((v) => !isObj(v) || !volumeSources(v).some((s) => allowed.includes(s)))
            .map((v, i) => str(obj(v).name) ?? `volumes[${i}]`);
        return bad.length ? [`volumes ${quoteList(bad)} have restricted types`] : [];
    },
});
