import type * as aws from "@pulumi/aws";
import { rdsBackupRetention } from "../../../../policy-pack/policies/aws/rds-backup-retention";
import { rdsMultiAz } from "../../../../policy-pack/policies/aws/rds-multi-az";
import { rdsNoPublicAccess } from "../../../../policy-pack/policies/aws/rds-no-public-access";
import { rdsStorageEncrypted } from "../../../../policy-pack/policies/aws/rds-storage-encrypted";
import { check, expectNone, expectViolations } from "../../helpers";

const instance = (props: aws.rds.InstanceArgs) => ({ type: "aws:rds/instance:Instance", name: "db", props });
const cluster = (props: aws.rds.ClusterArgs) => ({ type: "aws:rds/cluster:Cluster", name: "aurora", props });
const base: aws.rds.InstanceArgs = {
    instanceClass: "db.t4g.micro",
    engine: "postgres",
    allocatedStorage: 20,
    username: "app",
    manageMasterUserPassword: true,
};
const good: aws.rds.InstanceArgs = { ...base, storageEncrypted: true, backupRetentionPeriod: 14, multiAz: true, publiclyAccessible: false };

describe("aws RDS policies", () => {
    it("aws:rds-no-public-access: instances and Aurora cluster instances", async () => {
        expectNone(await check(rdsNoPublicAccess, instance(good)));
        expectNone(await check(rdsNoPublicAccess, instance(base)));
        expectViolations(await check(rdsNoPublicAccess, instance({ ...good, publiclyAccessible: true })), /publiclyAccessible is true/);
        const member: aws.rds.ClusterInstanceArgs = {
            clusterIdentifier: "aurora",
            instanceClass: "db.r6g.large",
            engine: "aurora-postgresql",
            publiclyAccessible: true,
        };
        expectViolations(
            await check(rdsNoPublicAccess, { type: "aws:rds/clusterInstance:ClusterInstance", name: "m", props: member }),
            /publiclyAccessible/,
        );
    });

    it("aws:rds-storage-encrypted: instances and clusters; replicas follow their source", async () => {
        expectNone(await check(rdsStorageEncrypted, instance(good)));
        expectViolations(await check(rdsStorageEncrypted, instance(base)), /storageEncrypted is not true/);
        expectNone(await check(rdsStorageEncrypted, instance({ instanceClass: "db.t4g.micro", replicateSourceDb: "db-primary" })));
        expectNone(await check(rdsStorageEncrypted, cluster({ engine: "aurora-postgresql", storageEncrypted: true })));
        expectViolations(await check(rdsStorageEncrypted, cluster({ engine: "aurora-postgresql" })), /storageEncrypted/);
        expectNone(await check(rdsStorageEncrypted, cluster({ engine: "aurora-mysql", engineMode: "serverless" })));
    });

    it("aws:rds-backup-retention: at least 7 days by default, the provider's defaults when unset", async () => {
        expectNone(await check(rdsBackupRetention, instance(good)));
        expectViolations(await check(rdsBackupRetention, instance(base)), /backupRetentionPeriod is 0: automated backups are off/);
        expectViolations(await check(rdsBackupRetention, instance({ ...good, backupRetentionPeriod: 3 })), /3 is below 7 days/);
        expectViolations(await check(rdsBackupRetention, cluster({ engine: "aurora-postgresql" })), /1 is below 7 days/);
        expectNone(
            await check(rdsBackupRetention, cluster({ engine: "aurora-postgresql", backupRetentionPeriod: 35 }), { minRetentionDays: 35 }),
        );
        expectViolations(await check(rdsBackupRetention, instance(good), { minRetentionDays: 30 }), /14 is below 30/);
    });

    it("aws:rds-multi-az: required unless the pack config says the stack is not production", async () => {
        expectNone(await check(rdsMultiAz, instance(good)));
        expectViolations(await check(rdsMultiAz, instance(base)), /multiAz is not true/);
        expectViolations(await check(rdsMultiAz, instance({ ...good, multiAz: false }), { production: true }), /multiAz/);
        expectNone(await check(rdsMultiAz, instance(base), { production: false }));
    });
});
