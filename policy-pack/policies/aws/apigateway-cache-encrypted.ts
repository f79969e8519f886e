import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { obj, str } from "../../lib/values";

export const apigatewayCacheEncrypted = resourcePolicy({
    name: "aws:apigateway-cache-encrypted",
    description: "API Gateway method settings that cache a stage's responses encrypt the cache (settings.cacheDataEncrypted).",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set settings.cacheDataEncrypted: true wherever settings.cachingEnabled is true.",
    controls: ENCRYPTION_AT_REST,
    appliesTo: (type) => type === "aws:apigateway/methodSettings:MethodSettings",
    check(resource, report) {
        const settings = obj(resource.props.settings);
        if (settings.cachingEnabled === true && settings.cacheDataEncrypted !== true)
            report.violation(
                `responses of ${str(resource.props.methodPath) ?? "these methods"} are cached unencrypted (cacheDataEncrypted is not true)`,
            );
    },
});
