import type * as aws from "@pulumi/aws";
import { apigatewayCacheEncrypted } from "../../../../policy-pack/policies/aws/apigateway-cache-encrypted";
import { cloudtrailKms } from "../../../../policy-pack/policies/aws/cloudtrail-kms";
import { cloudtrailLogFileValidation } from "../../../../policy-pack/policies/aws/cloudtrail-log-file-validation";
import { cloudtrailMultiRegion } from "../../../../policy-pack/policies/aws/cloudtrail-multi-region";
import { UNKNOWN_STRING } from "../../../../policy-pack/lib/values";
import { check, expectNone, expectViolations } from "../../helpers";

describe("aws API Gateway and CloudTrail policies", () => {
    it("aws:apigateway-cache-encrypted: cached responses are encrypted", async () => {
        const settings = (s: aws.types.input.apigateway.MethodSettingsSettings) => {
            const props: aws.apigateway.MethodSettingsArgs = { restApi: "a1b2c3", stageName: "prod", methodPath: "*/*", settings: s };
            return { type: "aws:apigateway/methodSettings:MethodSettings", name: "ms", props };
        };
        expectNone(
            await check(apigatewayCacheEncrypted, settings({ cachingEnabled: true, cacheDataEncrypted: true, cacheTtlInSeconds: 300 })),
        );
        expectNone(await check(apigatewayCacheEncrypted, settings({ metricsEnabled: true, loggingLevel: "INFO" })));
        expectViolations(
            await check(apigatewayCacheEncrypted, settings({ cachingEnabled: true })),
            /responses of \*\/\* are cached unencrypted/,
        );
        expectViolations(await check(apigatewayCacheEncrypted, settings({ cachingEnabled: true, cacheDataEncrypted: false })));
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
