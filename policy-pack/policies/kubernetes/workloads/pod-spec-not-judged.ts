import { WORKLOAD_ISOLATION } from "../../../lib/controls";
import { resourcePolicy } from "../../../lib/define";
import { isCustomKind, podSpecPaths, podTemplateOf, quoteList } from "../../../lib/pod-spec";

/**
 * A custom resource whose controller makes pods from a spec the pack cannot find (a SidecarSet's
 * containers, a template nested in a list) would pass every pod policy in silence; this names it.
 */
export const podSpecNotJudged = resourcePolicy({
    name: "k8s:workloads:pod-spec-not-judged",
    description:
        "A custom resource that carries containers outside a pod template the pack reads (spec.template, spec.jobTemplate) is reported: its pods are not judged.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation:
        "Judge the pods the controller creates (render them, or check the Pods in the cluster), or exempt the resource with the reason its containers are safe.",
    controls: WORKLOAD_ISOLATION,
    appliesTo: isCustomKind,
    check(resource, report) {
        const judged = podTemplateOf(resource.type, resource.props)?.path;
        const unjudged = podSpecPaths(resource.props).filter((path) => path !== judged);
        if (unjudged.length)
            report.violation(
                `containers at ${quoteList(unjudged.map((p) => `${p}.containers`))} are not judged by the pod policies (Pod Security, images, limits): the pack reads pod templates only at spec.template and spec.jobTemplate`,
            );
    },
});
