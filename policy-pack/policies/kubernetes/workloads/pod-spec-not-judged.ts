import { WORKLOAD_ISOLATION } from "../../../lib/controls";
import { resourcePolicy } from "../../../lib/define";
import { isCustomKind, isPodBearingPatch, podSpecPaths, podTemplateOf, quoteList } from "../../../lib/pod-spec";

/**
 * A custom resource whose controller makes pods from a spec the pack cannot find (a SidecarSet's
 * containers, a template nested in a list) would pass every pod policy in silence; so would a
 * patch (DeploymentPatch), whose partial spec cannot be judged as a whole pod. This names them.
 */
export const podSpecNotJudged = resourcePolicy({
    name: "k8s:workloads:pod-spec-not-judged",
    description:
        "A custom resource that carries containers outside a pod template the pack reads (spec.template, spec.jobTemplate), or a patch of a pod-bearing object, is reported: its pods are not judged.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation:
        "Judge the pods the controller creates (render them, or check the Pods in the cluster), or exempt the resource with the reason its containers are safe.",
    controls: WORKLOAD_ISOLATION,
    appliesTo: (type) => isCustomKind(type) || isPodBearingPatch(type),
    check(resource, report) {
        if (isPodBearingPatch(resource.type)) {
            const paths = podSpecPaths(resource.props);
            if (paths.length)
                report.violation(
                    `a patch of an existing object: the containers at ${quoteList(paths.map((p) => `${p}.containers`))} are not judged by the pod policies; judge the patched object as it will be`,
                );
            return;
        }
        const judged = podTemplateOf(resource.type, resource.props)?.path;
        const unjudged = podSpecPaths(resource.props).filter((path) => path !== judged);
        if (unjudged.length)
            report.violation(
                `containers at ${quoteList(unjudged.map((p) => `${p}.containers`))} are not judged by the pod policies (Pod Security, images, limits): the pack reads pod templates only at spec.template and spec.jobTemplate`,
            );
    },
});
