import { CHANGE_INTEGRITY } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { str } from "../../lib/values";

const HELM = /^kubernetes:helm\.sh\/v\d:(Release|Chart)$/;
const EXACT_SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function isLocal(chart: string): boolean {
    return chart.startsWith("./") || chart.startsWith("../") || chart.startsWith("/");
}

export const chartVersionPinned = resourcePolicy({
    name: "helm:chart-version-pinned",
    description: "Helm charts from a repository are pinned to an exact version (no range, no latest, no devel).",
    severity: "high",
    remediation: 'Set version to the exact chart version, e.g. "1.27.3", and raise it deliberately.',
    controls: CHANGE_INTEGRITY,
    appliesTo: (type) => HELM.test(type),
    check(resource, report) {
        const chart = str(resource.props.chart) ?? "";
        if (isLocal(chart) || chart.includes("@sha256:")) return;
        const version = resource.props.version;
        if (version === undefined || version === null || version === "") report.violation(`chart "${chart}" has no version`);
        else if (typeof version === "string" && !EXACT_SEMVER.test(version))
            report.violation(`chart "${chart}" version "${version}" is not an exact version`);
        if (resource.props.devel === true) report.violation(`chart "${chart}" allows development versions (devel: true)`);
    },
});
