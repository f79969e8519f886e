import { pssControls } from "../../../../lib/controls";
import { quoteList } from "../../../../lib/pod-spec";
import { arr, isObj, obj, str } from "../../../../lib/values";
import { podSecurityControl } from "../define";

/** check_hostPathVolumes.go (1.0); at the restricted level pss:restricted:volume-types replaces it. */
export const hostPathVolumes = podSecurityControl({
    name: "pss:baseline:hostpath-volumes",
    description: "Pods must not mount hostPath volumes.",
    severity: "high",
    remediation: "Replace hostPath volumes with emptyDir, configMap, secret, projected or a PersistentVolumeClaim.",
    controls: pssControls("baseline", "hostpath-volumes"),
    judge(pod) {
        const bad = arr(pod.spec.volumes)
            .filter((v) => isObj(v) && v.hostPath !== undefined && v.hostPath !== null)
            .map((v, i) => str(obj(v).name) ?? `volumes[${i}]`);
        return bad.length ? [`hostPath volumes ${quoteList(bad)} are not allowed`] : [];
    },
});
