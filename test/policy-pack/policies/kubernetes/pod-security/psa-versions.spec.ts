// Agreement with Pod Security Admission for every modelled version, both levels, every pod-bearing
// kind. The expectations below are written from PSA's source (k8s.io/pod-security-admission/policy,
// the check_*.go files named on each case, their Versions/MinimumVersion lists), not from the pack.
import { strict as assert } from "node:assert";
import { runResourceCheck, toResource } from "../../../../../policy-pack/lib/evaluate";
import { podTemplateOf } from "../../../../../policy-pack/lib/pod-spec";
import { controlsAtLevel, podSecurityDenials } from "../../../../../policy-pack/policies/kubernetes/pod-security/controls";
import type { PodSecurityLevel } from "../../../../../policy-pack/policies/kubernetes/pod-security/define";
import { KUBERNETES_VERSIONS, minorOf } from "../../../../../policy-pack/policies/kubernetes/pod-security/versions";
import { settingsFor } from "../../../../../policy-pack/lib/config";
import { CONTAINER_LISTS, POD_KINDS, podWithContainer, restrictedPod } from "../../../helpers";

type Json = Record<string, any>;
/** PSA's verdict at a policy minor version: true when it admits the pod. */
type Verdict = (minor: number) => boolean;
const ALLOWED: Verdict = () => true;
const DENIED: Verdict = () => false;
const allowedFrom =
    (minor: number): Verdict =>
    (v) =>
        v >= minor;
const deniedFrom =
    (minor: number): Verdict =>
    (v) =>
        v < minor;

interface Case {
    name: string;
    /** The check_*.go file and function whose behaviour the expectation follows. */
    source: string;
    spec: Json;
    metadata?: Json;
    baseline: Verdict;
    restricted: Verdict;
}

const withPod = (patch: (spec: Json) => void): Json => {
    const spec = restrictedPod();
    patch(spec);
    return spec;
};
const podContext = (patch: Json): Json => withPod((s) => Object.assign(s.securityContext, patch));
/** The same container-level change in containers, initContainers and ephemeralContainers (PSA's visitContainers). */
const inEveryList = (name: string, source: string, patch: (c: Json) => void, baseline: Verdict, restricted: Verdict): Case[] =>
    CONTAINER_LISTS.map((list) => ({ name: `${name} (${list})`, source, spec: podWithContainer(list, patch), baseline, restricted }));
const windows = (patch: (spec: Json) => void = () => {}): Json =>
    withPod((s) => {
        s.os = { name: "windows" };
        patch(s);
    });
const unmasked = (c: Json) => (c.securityContext.procMount = "Unmasked");

const CASES: Case[] = [
    // The starting pod meets restricted at every version.
    { name: "the restricted pod", source: "all checks", spec: restrictedPod(), baseline: ALLOWED, restricted: ALLOWED },

    // check_hostNamespaces.go hostNamespaces_1_0
    ...(["hostNetwork", "hostPID", "hostIPC"] as const).map((k) => ({
        name: `${k}: true`,
        source: "check_hostNamespaces.go hostNamespaces_1_0",
        spec: withPod((s) => (s[k] = true)),
        baseline: DENIED,
        restricted: DENIED,
    })),
    {
        name: "hostNetwork: false",
        source: "check_hostNamespaces.go hostNamespaces_1_0",
        spec: withPod((s) => (s.hostNetwork = false)),
        baseline: ALLOWED,
        restricted: ALLOWED,
    },

    // check_privileged.go privileged_1_0
    ...inEveryList("privileged: true", "check_privileged.go privileged_1_0", (c) => (c.securityContext.privileged = true), DENIED, DENIED),
    ...inEveryList(
        "privileged: false",
        "check_privileged.go privileged_1_0",
        (c) => (c.securityContext.privileged = false),
        ALLOWED,
        ALLOWED,
    ),

    // check_capabilities_baseline.go capabilities_allowed_1_0; check_capabilities_restricted.go capabilitiesRestricted_1_22
    ...inEveryList(
        "adds NET_ADMIN",
        "check_capabilities_baseline.go",
        (c) => (c.securityContext.capabilities.add = ["NET_ADMIN"]),
        DENIED,
        DENIED,
    ),
    ...inEveryList(
        "adds CHOWN (baseline's default set)",
        "check_capabilities_baseline.go / check_capabilities_restricted.go",
        (c) => (c.securityContext.capabilities.add = ["CHOWN"]),
        ALLOWED,
        DENIED,
    ),
    ...inEveryList(
        "adds NET_BIND_SERVICE",
        "check_capabilities_restricted.go",
        (c) => (c.securityContext.capabilities.add = ["NET_BIND_SERVICE"]),
        ALLOWED,
        ALLOWED,
    ),
    ...inEveryList(
        "does not drop ALL",
        "check_capabilities_restricted.go capabilitiesRestricted_1_22",
        (c) => delete c.securityContext.capabilities,
        ALLOWED,
        DENIED,
    ),

    // check_hostPathVolumes.go; check_restrictedVolumes.go restrictedVolumesV1Dot0 (overrides hostPathVolumes)
    {
        name: "hostPath volume",
        source: "check_hostPathVolumes.go",
        spec: withPod((s) => s.volumes.push({ name: "h", hostPath: { path: "/var/run" } })),
        baseline: DENIED,
        restricted: DENIED,
    },
    ...["nfs", "iscsi", "gitRepo", "awsElasticBlockStore", "cephfs"].map((source) => ({
        name: `${source} volume`,
        source: "check_restrictedVolumes.go restrictedVolumesV1Dot0",
        spec: withPod((s) => s.volumes.push({ name: "v", [source]: { path: "/x" } })),
        baseline: ALLOWED,
        restricted: DENIED,
    })),
    {
        // Added into the 1.0 function by Kubernetes 1.33 (PR 130394): follows the cluster's version.
        name: "image volume",
        source: "check_restrictedVolumes.go restrictedVolumesV1Dot0 (volume.Image, 1.33)",
        spec: withPod((s) => s.volumes.push({ name: "models", image: { reference: "registry.example.com/models:1" } })),
        baseline: ALLOWED,
        restricted: allowedFrom(33),
    },
    {
        // SetDefaults_Volume gives a volume with no source an emptyDir before admission.
        name: "volume with no source",
        source: "pkg/apis/core/v1/defaults.go SetDefaults_Volume, then check_restrictedVolumes.go",
        spec: withPod((s) => s.volumes.push({ name: "scratch" })),
        baseline: ALLOWED,
        restricted: ALLOWED,
    },

    // check_hostPorts.go hostPorts_1_0, over ports as SetDefaults_Pod leaves them
    ...inEveryList(
        "hostPort 8080",
        "check_hostPorts.go hostPorts_1_0",
        (c) => (c.ports = [{ containerPort: 8080, hostPort: 8080 }]),
        DENIED,
        DENIED,
    ),
    ...inEveryList(
        "hostPort 0",
        "check_hostPorts.go hostPorts_1_0",
        (c) => (c.ports = [{ containerPort: 8080, hostPort: 0 }]),
        ALLOWED,
        ALLOWED,
    ),

    // check_hostProbesAndhostLifecycle.go: one version, MinimumVersion 1.34
    ...inEveryList(
        "livenessProbe httpGet.host",
        "check_hostProbesAndhostLifecycle.go hostProbesAndHostLifecycleV1Dot34",
        (c) => (c.livenessProbe = { httpGet: { host: "10.0.0.1", port: 80 } }),
        deniedFrom(34),
        deniedFrom(34),
    ),
    ...inEveryList(
        "preStop tcpSocket.host",
        "check_hostProbesAndhostLifecycle.go getForbiddenHostLifecycle",
        (c) => (c.lifecycle = { preStop: { tcpSocket: { host: "metadata", port: 80 } } }),
        deniedFrom(34),
        deniedFrom(34),
    ),
    ...inEveryList(
        "readinessProbe with an empty host",
        "check_hostProbesAndhostLifecycle.go getForbiddenHostProbes",
        (c) => (c.readinessProbe = { httpGet: { host: "", port: 80 } }),
        ALLOWED,
        ALLOWED,
    ),

    // check_appArmorProfile.go (one version, 1.0: fields and annotations)
    {
        name: "pod appArmorProfile Unconfined",
        source: "check_appArmorProfile.go",
        spec: podContext({ appArmorProfile: { type: "Unconfined" } }),
        baseline: DENIED,
        restricted: DENIED,
    },
    ...inEveryList(
        "container appArmorProfile Unconfined",
        "check_appArmorProfile.go",
        (c) => (c.securityContext.appArmorProfile = { type: "Unconfined" }),
        DENIED,
        DENIED,
    ),
    ...inEveryList(
        "container appArmorProfile Localhost",
        "check_appArmorProfile.go",
        (c) => (c.securityContext.appArmorProfile = { type: "Localhost", localhostProfile: "p" }),
        ALLOWED,
        ALLOWED,
    ),
    {
        name: "unconfined AppArmor annotation",
        source: "check_appArmorProfile.go (annotation channel)",
        spec: restrictedPod(),
        metadata: { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } },
        baseline: DENIED,
        restricted: DENIED,
    },
    {
        name: "runtime/default AppArmor annotation",
        source: "check_appArmorProfile.go (annotation channel)",
        spec: restrictedPod(),
        metadata: { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "runtime/default" } },
        baseline: ALLOWED,
        restricted: ALLOWED,
    },

    // check_seLinuxOptions.go: selinuxAllowedTypes1_0, container_engine_t from 1.31
    ...inEveryList(
        "SELinux type container_engine_t",
        "check_seLinuxOptions.go (1.31)",
        (c) => (c.securityContext.seLinuxOptions = { type: "container_engine_t" }),
        allowedFrom(31),
        allowedFrom(31),
    ),
    {
        name: "pod SELinux type container_engine_t",
        source: "check_seLinuxOptions.go (1.31)",
        spec: podContext({ seLinuxOptions: { type: "container_engine_t" } }),
        baseline: allowedFrom(31),
        restricted: allowedFrom(31),
    },
    ...inEveryList(
        "SELinux type spc_t",
        "check_seLinuxOptions.go",
        (c) => (c.securityContext.seLinuxOptions = { type: "spc_t" }),
        DENIED,
        DENIED,
    ),
    {
        name: "pod SELinux user set",
        source: "check_seLinuxOptions.go",
        spec: podContext({ seLinuxOptions: { type: "container_t", user: "system_u" } }),
        baseline: DENIED,
        restricted: DENIED,
    },
    {
        name: "pod SELinux type container_kvm_t",
        source: "check_seLinuxOptions.go selinuxAllowedTypes1_0",
        spec: podContext({ seLinuxOptions: { type: "container_kvm_t" } }),
        baseline: ALLOWED,
        restricted: ALLOWED,
    },

    // check_procMount_baseline.go (1.0, and procMount1_35baseline); check_procMount_restricted.go (1.35)
    ...inEveryList("procMount Unmasked", "check_procMount_baseline.go procMount_1_0", unmasked, DENIED, DENIED),
    ...inEveryList("procMount Default", "check_procMount_baseline.go", (c) => (c.securityContext.procMount = "Default"), ALLOWED, ALLOWED),
    ...CONTAINER_LISTS.map((list) => ({
        name: `procMount Unmasked, hostUsers: false (${list})`,
        source: "check_procMount_baseline.go procMount1_35baseline; check_procMount_restricted.go",
        spec: { ...podWithContainer(list, unmasked), hostUsers: false },
        baseline: allowedFrom(35),
        restricted: DENIED,
    })),
    {
        name: "procMount Unmasked, hostUsers: true",
        source: "check_procMount_baseline.go procMount1_35baseline",
        spec: { ...podWithContainer("containers", unmasked), hostUsers: true },
        baseline: DENIED,
        restricted: DENIED,
    },

    // check_seccompProfile_baseline.go (1.19); check_seccompProfile_restricted.go (1.19, Windows exempt from 1.25)
    {
        name: "pod seccomp Unconfined",
        source: "check_seccompProfile_baseline.go",
        spec: podContext({ seccompProfile: { type: "Unconfined" } }),
        baseline: DENIED,
        restricted: DENIED,
    },
    ...inEveryList(
        "container seccomp Unconfined",
        "check_seccompProfile_baseline.go",
        (c) => (c.securityContext.seccompProfile = { type: "Unconfined" }),
        DENIED,
        DENIED,
    ),
    {
        name: "no seccomp profile",
        source: "check_seccompProfile_restricted.go",
        spec: withPod((s) => delete s.securityContext.seccompProfile),
        baseline: ALLOWED,
        restricted: DENIED,
    },
    {
        name: "pod seccomp Localhost",
        source: "check_seccompProfile_restricted.go",
        spec: podContext({ seccompProfile: { type: "Localhost", localhostProfile: "p.json" } }),
        baseline: ALLOWED,
        restricted: ALLOWED,
    },
    {
        // At restricted the Windows-exempt restricted check replaces the baseline one (OverrideCheckIDs).
        name: "Windows pod with seccomp Unconfined",
        source: "check_seccompProfile_restricted.go seccompProfileRestricted_1_25 (overrides seccompProfile_baseline)",
        spec: windows((s) => (s.securityContext.seccompProfile = { type: "Unconfined" })),
        baseline: DENIED,
        restricted: ALLOWED,
    },
    {
        name: "Windows pod adding SYS_ADMIN",
        source: "check_capabilities_restricted.go capabilitiesRestricted_1_25 (overrides capabilities_baseline)",
        spec: windows((s) => (s.containers[0].securityContext.capabilities.add = ["SYS_ADMIN"])),
        baseline: DENIED,
        restricted: ALLOWED,
    },
    {
        name: "Windows pod without Linux-only settings",
        source: "check_allowPrivilegeEscalation.go / capabilities / seccomp restricted, 1.25 Windows exemption",
        spec: windows((s) => {
            delete s.securityContext.seccompProfile;
            delete s.containers[0].securityContext;
        }),
        baseline: ALLOWED,
        restricted: ALLOWED,
    },

    // check_sysctls.go: sysctlsAllowedV1Dot0, V1Dot27, V1Dot29, V1Dot32
    ...[
        ["kernel.shm_rmid_forced", ALLOWED],
        ["net.ipv4.ip_unprivileged_port_start", ALLOWED],
        ["net.ipv4.ip_local_reserved_ports", ALLOWED],
        ["net.ipv4.tcp_keepalive_probes", ALLOWED],
        ["net.ipv4.tcp_rmem", allowedFrom(32)],
        ["net.ipv4.tcp_wmem", allowedFrom(32)],
        ["net.ipv4.tcp_slow_start_after_idle", DENIED],
        ["kernel.msgmax", DENIED],
    ].map(([name, verdict]) => ({
        name: `sysctl ${name}`,
        source: "check_sysctls.go",
        spec: podContext({ sysctls: [{ name, value: "1" }] }),
        baseline: verdict as Verdict,
        restricted: verdict as Verdict,
    })),

    // check_windowsHostProcess.go
    {
        name: "pod windowsOptions.hostProcess",
        source: "check_windowsHostProcess.go",
        spec: windows((s) => (s.securityContext.windowsOptions = { hostProcess: true })),
        baseline: DENIED,
        restricted: DENIED,
    },
    ...inEveryList(
        "container windowsOptions.hostProcess",
        "check_windowsHostProcess.go",
        (c) => (c.securityContext.windowsOptions = { hostProcess: true }),
        DENIED,
        DENIED,
    ),

    // check_allowPrivilegeEscalation.go (1.8, Windows exempt from 1.25)
    ...inEveryList(
        "allowPrivilegeEscalation unset",
        "check_allowPrivilegeEscalation.go",
        (c) => delete c.securityContext.allowPrivilegeEscalation,
        ALLOWED,
        DENIED,
    ),
    ...inEveryList(
        "allowPrivilegeEscalation: true",
        "check_allowPrivilegeEscalation.go",
        (c) => (c.securityContext.allowPrivilegeEscalation = true),
        ALLOWED,
        DENIED,
    ),

    // check_runAsNonRoot.go (1.0; runAsNonRoot_1_35 skips user-namespaced pods)
    {
        name: "runAsNonRoot unset",
        source: "check_runAsNonRoot.go",
        spec: withPod((s) => delete s.securityContext.runAsNonRoot),
        baseline: ALLOWED,
        restricted: DENIED,
    },
    {
        name: "runAsNonRoot unset, hostUsers: false",
        source: "check_runAsNonRoot.go (1.35)",
        spec: withPod((s) => {
            delete s.securityContext.runAsNonRoot;
            s.hostUsers = false;
        }),
        baseline: ALLOWED,
        restricted: allowedFrom(35),
    },
    ...inEveryList("runAsNonRoot: false", "check_runAsNonRoot.go", (c) => (c.securityContext.runAsNonRoot = false), ALLOWED, DENIED),
    {
        name: "pod runAsNonRoot: false, hostUsers: false",
        source: "check_runAsNonRoot.go (1.35)",
        spec: withPod((s) => {
            s.securityContext.runAsNonRoot = false;
            s.hostUsers = false;
        }),
        baseline: ALLOWED,
        restricted: allowedFrom(35),
    },
    {
        name: "runAsNonRoot only on every container",
        source: "check_runAsNonRoot.go",
        spec: withPod((s) => {
            delete s.securityContext.runAsNonRoot;
            s.containers[0].securityContext.runAsNonRoot = true;
        }),
        baseline: ALLOWED,
        restricted: ALLOWED,
    },

    // check_runAsUser.go (1.23; runAsUser_1_35 skips user-namespaced pods)
    { name: "pod runAsUser 0", source: "check_runAsUser.go", spec: podContext({ runAsUser: 0 }), baseline: ALLOWED, restricted: DENIED },
    ...inEveryList("runAsUser 0", "check_runAsUser.go", (c) => (c.securityContext.runAsUser = 0), ALLOWED, DENIED),
    {
        name: "pod runAsUser 0, hostUsers: false",
        source: "check_runAsUser.go (1.35)",
        spec: withPod((s) => {
            s.securityContext.runAsUser = 0;
            s.hostUsers = false;
        }),
        baseline: ALLOWED,
        restricted: allowedFrom(35),
    },
    {
        name: "pod runAsUser 1000",
        source: "check_runAsUser.go",
        spec: podContext({ runAsUser: 1000 }),
        baseline: ALLOWED,
        restricted: ALLOWED,
    },
];

/** Custom workload kinds the pack reads as pods (point 4), beside the built-in ones. */
const CUSTOM_KINDS: { kind: string; type: string; wrap(spec: Json, metadata: Json): Json }[] = [
    {
        kind: "Argo Rollout",
        type: "kubernetes:argoproj.io/v1alpha1:Rollout",
        wrap: (spec, metadata) => ({ metadata: { name: "r", namespace: "apps" }, spec: { template: { metadata, spec } } }),
    },
    {
        kind: "Knative Service",
        type: "kubernetes:serving.knative.dev/v1:Service",
        wrap: (spec, metadata) => ({ metadata: { name: "k", namespace: "apps" }, spec: { template: { metadata, spec } } }),
    },
    {
        kind: "OpenKruise CloneSet",
        type: "kubernetes:apps.kruise.io/v1alpha1:CloneSet",
        wrap: (spec, metadata) => ({ metadata: { name: "c", namespace: "apps" }, spec: { template: { metadata, spec } } }),
    },
    {
        kind: "OpenKruise AdvancedCronJob",
        type: "kubernetes:apps.kruise.io/v1alpha1:AdvancedCronJob",
        wrap: (spec, metadata) => ({
            metadata: { name: "a", namespace: "apps" },
            spec: { template: { jobTemplate: { spec: { template: { metadata, spec } } } } },
        }),
    },
];
const KINDS = [...POD_KINDS, ...CUSTOM_KINDS];
const LEVELS: PodSecurityLevel[] = ["baseline", "restricted"];

function expected(c: Case, level: PodSecurityLevel, minor: number): boolean {
    return level === "baseline" ? c.baseline(minor) : c.restricted(minor);
}

describe("Pod Security: agreement with Pod Security Admission, 1.30 to 1.36", () => {
    it("has cases that change their verdict with the version, so the versions are really told apart", () => {
        const minors = KUBERNETES_VERSIONS.map((v) => minorOf(v)!);
        const varying = CASES.filter((c) => LEVELS.some((l) => new Set(minors.map((m) => expected(c, l, m))).size > 1));
        assert.ok(varying.length >= 10, `${varying.length} version-dependent cases`);
        for (const c of CASES) for (const l of LEVELS) assert.equal(typeof expected(c, l, 36), "boolean", c.name);
    });

    for (const version of KUBERNETES_VERSIONS) {
        const minor = minorOf(version)!;
        describe(`Kubernetes ${version}`, () => {
            it("PSA's level verdict, for every case and every pod-bearing kind", () => {
                let judged = 0;
                for (const c of CASES) {
                    for (const { kind, type, wrap } of KINDS) {
                        const pod = podTemplateOf(type, wrap(structuredClone(c.spec), structuredClone(c.metadata ?? {})));
                        assert.ok(pod, `${kind}: no pod template`);
                        for (const level of LEVELS) {
                            const denials = podSecurityDenials(level, { policy: minor, cluster: minor }, pod);
                            const want = expected(c, level, minor);
                            assert.equal(
                                denials.length === 0,
                                want,
                                `${c.name} [${c.source}] ${kind} ${level}@${version}: expected ${want ? "allowed" : "denied"}, got ${JSON.stringify(denials)}`,
                            );
                            judged++;
                        }
                    }
                }
                assert.equal(judged, CASES.length * KINDS.length * LEVELS.length);
            });

            it("the pack's policies, configured with kubernetesVersion, give the same verdict per level", async () => {
                const config = { kubernetesVersion: version };
                for (const c of CASES) {
                    for (const { kind, type, wrap } of KINDS) {
                        const resource = toResource({
                            type,
                            name: `x-${kind}`,
                            props: wrap(structuredClone(c.spec), structuredClone(c.metadata ?? {})),
                        });
                        for (const level of LEVELS) {
                            const violating: string[] = [];
                            for (const policy of controlsAtLevel(level)) {
                                const outcome = await runResourceCheck(policy, resource, settingsFor(policy, config).own);
                                assert.equal(outcome.error, undefined, `${policy.name} threw`);
                                if (outcome.violations.length) violating.push(policy.name);
                            }
                            assert.equal(
                                violating.length === 0,
                                expected(c, level, minor),
                                `${c.name} [${c.source}] ${kind} ${level}@${version}: violations ${violating.join(", ") || "none"}`,
                            );
                        }
                    }
                }
            });
        });
    }

    it("a namespace pinned below its cluster: the pin picks each check's version, the cluster's code decides the image type", () => {
        const judge = (name: string, policy: number, cluster: number) => {
            const c = CASES.find((x) => x.name === name)!;
            return podSecurityDenials(
                "restricted",
                { policy, cluster },
                podTemplateOf("kubernetes:core/v1:Pod", POD_KINDS[0].wrap(structuredClone(c.spec), {}))!,
            );
        };
        // restrictedVolumes has one version (1.0); Kubernetes 1.33 added `image` into that function (PR 130394).
        assert.deepEqual(judge("image volume", 30, 36), []);
        assert.equal(judge("image volume", 32, 32).length, 1);
        // sysctls and the user-namespace relaxation follow the pinned policy version (check_sysctls.go, check_runAsNonRoot.go).
        assert.equal(judge("sysctl net.ipv4.tcp_rmem", 31, 36).length, 1);
        assert.equal(judge("runAsNonRoot unset, hostUsers: false", 34, 36).length, 1);
        assert.deepEqual(judge("runAsNonRoot unset, hostUsers: false", 35, 36), []);
    });

    it("judges at the newest released version without a configured one", async () => {
        const tcpRmem = CASES.find((c) => c.name === "sysctl net.ipv4.tcp_rmem")!;
        const hostUsers = CASES.find((c) => c.name === "runAsNonRoot unset, hostUsers: false")!;
        for (const c of [tcpRmem, hostUsers]) {
            const resource = toResource({
                type: "kubernetes:core/v1:Pod",
                name: "p",
                props: POD_KINDS[0].wrap(structuredClone(c.spec), {}),
            });
            for (const policy of controlsAtLevel("restricted")) {
                const outcome = await runResourceCheck(policy, resource, settingsFor(policy, {}).own);
                assert.deepEqual(outcome.violations, [], `${c.name}: ${policy.name} at the default version`);
            }
        }
    });
});
