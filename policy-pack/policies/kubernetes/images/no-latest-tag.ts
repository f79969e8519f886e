import { CHANGE_INTEGRITY } from "../../../lib/controls";
import { podPolicy } from "../../../lib/define";
import { containersOf, quoteList } from "../../../lib/pod-spec";
import { str } from "../../../lib/values";
import { parseImage } from "./image-ref";

export const noLatestTag = podPolicy({
    name: "k8s:images:no-latest-tag",
    description: "Images are pinned: no `:latest` tag and no missing tag, unless a digest pins them.",
    severity: "high",
    remediation: "Reference the image by a version tag, or better by digest (image@sha256:...).",
    controls: CHANGE_INTEGRITY,
    check(pod) {
        const bad = containersOf(pod.spec)
            .map((c) => str(c.container.image))
            .filter((image): image is string => {
                if (image === undefined) return false;
                const ref = parseImage(image);
                return ref.digest === undefined && (ref.tag === undefined || ref.tag === "latest");
            });
        return bad.length ? [`images ${quoteList([...new Set(bad)])} use ":latest" or no tag`] : [];
    },
});
