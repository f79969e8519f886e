import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { quoteList } from "../../../../lib/pod-spec";
import { arr, isObj, obj, str } from "../../../../lib/values";

const ALLOWED_SOURCES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

export const volumeTypes = podPolicy({
    name: "pss:restricted:volume-types",
    description: "Volumes are limited to configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret.",
    severity: "medium",
    remediation: "Replace other volume sources (hostPath, nfs, iscsi, ...) with a PersistentVolumeClaim or one of the allowed types.",
    controls: pssControls("restricted", "volume-types"),
    check(pod) {
        const bad = arr(pod.spec.volumes)
            .filter((v) => !isObj(v) || !ALLOWED_SOURCES.some((s) => v[s] !== undefined && v[s] !== null))
            .map((v, i) => str(obj(v).name) ?? `volumes[${i}]`);
        return bad.length ? [`volumes ${quoteList(bad)} have restricted types`] : [];
    },
});
