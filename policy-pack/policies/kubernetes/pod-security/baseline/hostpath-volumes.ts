import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { quoteList } from "../../../../lib/pod-spec";
import { arr, isObj, obj, str } from "../../../../lib/values";

export const hostPathVolumes = podPolicy({
    name: "pss:baseline:hostpath-volumes",
    description: "Pods must not mount hostPath volumes.",
    severity: "high",
    remediation: "Replace hostPath volumes with emptyDir, configMap, secret, projected or a PersistentVolumeClaim.",
    controls: pssControls("baseline", "hostpath-volumes"),
    check(pod) {
        const bad = arr(pod.spec.volumes)
            .filter((v) => isObj(v) && v.hostPath !== undefined && v.hostPath !== null)
            .map((v, i) => str(obj(v).name) ?? `volumes[${i}]`);
        return bad.length ? [`hostPath volumes ${quoteList(bad)} are not allowed`] : [];
    },
});
