import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import type { Resource } from "../../lib/types";
import { obj, str } from "../../lib/values";

const STAGE = "aws:apigateway/stage:Stage";
const METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings";

/** Method settings apply to a stage they depend on (`stageName: stage.stageName`), or that they name in the same API. */
function appliesToStage(settings: Resource, stage: Resource): boolean {
    if (settings.dependencies.includes(stage.urn)) return true;
    const name = str(settings.props.stageName);
    if (name === undefined || name !== str(stage.props.stageName)) return false;
    const api = str(settings.props.restApi);
    return api === undefined || api === str(stage.props.restApi);
}

export const apigatewayCacheEncrypted = stackPolicy({
    name: "aws:apigateway-cache-encrypted",
    description:
        "API Gateway caches are encrypted: a stage with a cache cluster has method settings for */* with cacheDataEncrypted, and no method settings cache responses unencrypted.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation:
        'Add a MethodSettings { restApi, stageName: stage.stageName, methodPath: "*/*", settings: { cacheDataEncrypted: true } } to every stage with cacheClusterEnabled, and set cacheDataEncrypted: true wherever cachingEnabled is true.',
    controls: ENCRYPTION_AT_REST,
    check(resources, report) {
        const methodSettings = resources.filter((r) => r.type === METHOD_SETTINGS);
        for (const settings of methodSettings) {
            const s = obj(settings.props.settings);
            if (s.cachingEnabled === true && s.cacheDataEncrypted !== true)
                report.violation(
                    `method settings "${settings.name}" cache responses of ${str(settings.props.methodPath) ?? "their methods"} unencrypted (cacheDataEncrypted is not true)`,
                    settings.urn,
                );
        }
        for (const stage of resources.filter((r) => r.type === STAGE && r.props.cacheClusterEnabled === true)) {
            // With the stage cache on, API Gateway caches GET responses by default, unencrypted unless */* says otherwise.
            const encrypted = methodSettings.some(
                (m) => str(m.props.methodPath) === "*/*" && obj(m.props.settings).cacheDataEncrypted === true && appliesToStage(m, stage),
            );
            if (!encrypted)
                report.violation(
                    `stage "${stage.name}" has a cache cluster but no method settings for */* with cacheDataEncrypted: GET responses are cached unencrypted`,
                    stage.urn,
                );
        }
    },
});
