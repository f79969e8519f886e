// S3 buckets and the resources that configure them. @pulumi/aws 7 lets a program configure a bucket
// inline (aws.s3.Bucket spells the blocks in the singular, the legacy BucketV2 in the plural) or with
// separate resources that name the bucket; the S3 policies judge a bucket by all of them together.
import type { Resource } from "./types";
import { arr, isObj, obj, str, type Obj } from "./values";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

/** The separate resources, each with the V2 token @pulumi/aws 7 keeps as an alias. */
export const COMPANION_TYPES = {
    publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    encryption: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    logging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
    policy: ["aws:s3/bucketPolicy:BucketPolicy"],
};
const ALL_COMPANIONS = new Set(Object.values(COMPANION_TYPES).flat());

export interface BucketView {
    bucket: Resource;
    /** The separate resources that configure this bucket. */
    companions: Resource[];
}

/**
 * The bucket a companion configures. Programs pass `bucket: bucket.id` (or `.bucket`), which is not
 * known at preview, so the resource's dependencies decide first: when it depends on exactly one
 * bucket (or is its child), that is the one. Otherwise its `bucket` value is matched against the
 * buckets' names; reading an unknown value there marks the verdict as resting on it.
 */
function bucketOf(companion: Resource, buckets: Resource[]): Resource | undefined {
    const linked = buckets.filter((b) => companion.parent === b.urn || companion.dependencies.includes(b.urn));
    if (linked.length === 1) return linked[0];
    const target = str(companion.props.bucket);
    if (target === undefined) return undefined;
    const candidates = linked.length > 0 ? linked : buckets;
    return candidates.find((b) => target === str(b.props.bucket) || target === b.name);
}

/** Every bucket of the stack with its companions. */
export function bucketViews(resources: Resource[]): BucketView[] {
    const buckets = resources.filter((r) => BUCKET_TYPES.includes(r.type));
    if (buckets.length === 0) return [];
    const views = new Map(buckets.map((bucket) => [bucket, { bucket, companions: [] as Resource[] }]));
    for (const resource of resources) {
        if (!ALL_COMPANIONS.has(resource.type)) continue;
        const bucket = bucketOf(resource, buckets);
        if (bucket) views.get(bucket)!.companions.push(resource);
    }
    return [...views.values()];
}

export function companionsOf(view: BucketView, types: string[]): Resource[] {
    return view.companions.filter((c) => types.includes(c.type));
}

/**
 * The default-encryption rules of a bucket (`{ sseAlgorithm, kmsMasterKeyId }`), inline in either form
 * and separate; returned unread, so that a policy reads only the fields it judges.
 */
export function encryptionDefaults(view: BucketView): Obj[] {
    const p = view.bucket.props;
    const defaults: unknown[] = [];
    // aws.s3.Bucket: serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault
    if (isObj(p.serverSideEncryptionConfiguration)) {
        defaults.push(obj(obj(p.serverSideEncryptionConfiguration).rule).applyServerSideEncryptionByDefault);
    }
    // aws.s3.BucketV2: serverSideEncryptionConfigurations[].rules[].applyServerSideEncryptionByDefaults[]
    for (const config of arr(p.serverSideEncryptionConfigurations)) {
        for (const rule of arr(obj(config).rules)) defaults.push(...arr(obj(rule).applyServerSideEncryptionByDefaults));
    }
    // BucketServerSideEncryptionConfiguration: rules[].applyServerSideEncryptionByDefault
    for (const companion of companionsOf(view, COMPANION_TYPES.encryption)) {
        for (const rule of arr(companion.props.rules)) defaults.push(obj(rule).applyServerSideEncryptionByDefault);
    }
    return defaults.filter(isObj);
}

/** True when versioning is enabled inline or by a BucketVersioning with status Enabled. */
export function versioningEnabled(view: BucketView): boolean {
    const p = view.bucket.props;
    if (obj(p.versioning).enabled === true) return true;
    if (arr(p.versionings).some((v) => obj(v).enabled === true)) return true;
    return companionsOf(view, COMPANION_TYPES.versioning).some((c) => obj(c.props.versioningConfiguration).status === "Enabled");
}

/** True when server access logging is configured inline or by a BucketLogging. */
export function accessLoggingConfigured(view: BucketView): boolean {
    const p = view.bucket.props;
    // targetBucket is required in every form, so a logging block (even with a target not yet known) configures logging.
    if (isObj(p.logging)) return true;
    if (arr(p.loggings).some(isObj)) return true;
    return companionsOf(view, COMPANION_TYPES.logging).length > 0;
}
