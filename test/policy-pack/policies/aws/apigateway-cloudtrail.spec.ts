import type * as aws from "@pulumi/aws";
import { apigatewayCacheEncrypted } from "../../../../policy-pack/policies/aws/apigateway-cache-encrypted";
import { cloudtrailKms } from "../../../../policy-pack/policies/aws/cloudtrail-kms";
import { cloudtrailLogFileValidation } from "../../../../policy-pack/policies/aws/cloudtrail-log-file-validation";
import { cloudtrailMultiRegion } from "../../../../policy-pack/policies/aws/cloudtrail-multi-region";
import { UNKNOWN_STRING } from "../../../../policy-pack/lib/values";
import { check, checkStack, expectNone, expectViolations } from "../../helpers";

describe("aws API Gateway and CloudTrail policies", () => {
    describe("aws:apigateway-cache-encrypted (stack)", () => {
        const stageUrn = "urn:pulumi:prod::p::aws:apigateway/stage:Stage::prod";
        const stage = (props: Partial<aws.apigateway.StageArgs>) => {
            const args: aws.apigateway.StageArgs = { restApi: "a1b2c3", deployment: "d1", stageName: "prod", ...props };
            return { type: "aws:apigateway/stage:Stage", name: "prod", urn: stageUrn, props: args };
        };
        const settings = (
            name: string,
            methodPath: string,
            s: aws.types.input.apigateway.MethodSettingsSettings,
            dependsOn: string[] = [],
        ) => {
            const props: aws.apigateway.MethodSettingsArgs = { restApi: "a1b2c3", stageName: "prod", methodPath, settings: s };
            return {
                type: "aws:apigateway/methodSettings:MethodSettings",
                name,
                urn: `urn:pulumi:prod::p::ms::${name}`,
                props,
                dependencies: dependsOn,
            };
        };

        it("a stage with a cache cluster needs */* method settings that encrypt it", async () => {
            const encryptAll = settings("all", "*/*", { cacheDataEncrypted: true, cacheTtlInSeconds: 300 });
            expectNone(
                await checkStack(apigatewayCacheEncrypted, [stage({ cacheClusterEnabled: true, cacheClusterSize: "0.5" }), encryptAll]),
            );
            expectNone(await checkStack(apigatewayCacheEncrypted, [stage({}), settings("metrics", "*/*", { metricsEnabled: true })]));
            // API Gateway caches GET responses as soon as the stage cache is on.
            expectViolations(
                await checkStack(apigatewayCacheEncrypted, [stage({ cacheClusterEnabled: true })]),
                /stage "prod" has a cache cluster but no method settings for \*\/\* with cacheDataEncrypted/,
            );
            // Settings for one method, or for another stage, do not cover the stage.
            expectViolations(
                await checkStack(apigatewayCacheEncrypted, [
                    stage({ cacheClusterEnabled: true }),
                    settings("one", "items/GET", { cacheDataEncrypted: true }),
                ]),
            );
            expectViolations(
                await checkStack(apigatewayCacheEncrypted, [
                    stage({ cacheClusterEnabled: true }),
                    { ...encryptAll, props: { ...encryptAll.props, stageName: "staging" } },
                ]),
            );
            // Linked by dependency where stageName is stage.stageName, unknown at preview.
            const linked = settings("all", "*/*", { cacheDataEncrypted: true }, [stageUrn]);
            expectNone(
                await checkStack(apigatewayCacheEncrypted, [
                    stage({ cacheClusterEnabled: true }),
                    { ...linked, props: { ...linked.props, stageName: UNKNOWN_STRING } },
                ]),
            );
        });

        it("method settings that cache responses encrypt them", async () => {
            expectNone(
                await checkStack(apigatewayCacheEncrypted, [settings("ms", "*/*", { cachingEnabled: true, cacheDataEncrypted: true })]),
            );
            expectViolations(
                await checkStack(apigatewayCacheEncrypted, [settings("ms", "*/*", { cachingEnabled: true })]),
                /method settings "ms" cache responses of \*\/\* unencrypted/,
            );
            expectViolations(
                await checkStack(apigatewayCacheEncrypted, [
                    settings("ms", "items/GET", { cachingEnabled: true, cacheDataEncrypted: false }),
                ]),
            );
        });
    });

    describe("CloudTrail trails", () => {
        const trail = (props: aws.cloudtrail.TrailArgs) => ({ type: "aws:cloudtrail/trail:Trail", name: "trail", props });
        const good: aws.cloudtrail.TrailArgs = {
            s3BucketName: "trail-logs-prod",
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            enableLogFileValidation: true,
            kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        };
        it("pass when multi-region, validated and KMS-encrypted", async () => {
            for (const policy of [cloudtrailMultiRegion, cloudtrailLogFileValidation, cloudtrailKms])
                expectNone(await check(policy, trail(good)));
            // The key is usually another resource's output, unknown at preview.
            expectNone(await check(cloudtrailKms, trail({ ...good, kmsKeyId: UNKNOWN_STRING })));
        });
        it("name what a trail lacks", async () => {
            expectViolations(await check(cloudtrailMultiRegion, trail({ ...good, isMultiRegionTrail: false })), /one region only/);
            expectViolations(await check(cloudtrailMultiRegion, trail({ s3BucketName: "b" })), /isMultiRegionTrail/);
            expectViolations(await check(cloudtrailLogFileValidation, trail({ s3BucketName: "b" })), /enableLogFileValidation is not true/);
            expectViolations(await check(cloudtrailKms, trail({ s3BucketName: "b" })), /kmsKeyId is not set/);
        });
    });
});
