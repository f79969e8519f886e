import { noPlainSecrets } from "../../../../../policy-pack/policies/kubernetes/secrets/no-plain-secrets";
import { check, expectNone, expectPod, expectViolations, podWithContainer, restrictedPod } from "../../../helpers";

describe("k8s:secrets:no-plain-secrets", () => {
    it("flags credential-like ConfigMap keys and private keys", async () => {
        expectViolations(
            await check(noPlainSecrets, { type: "kubernetes:core/v1:ConfigMap", name: "c", props: { data: { API_TOKEN: "abc123" } } }),
            /API_TOKEN/,
        );
        expectViolations(
            await check(noPlainSecrets, {
                type: "kubernetes:core/v1:ConfigMap",
                name: "c",
                props: { data: { "tls.key": "-----BEGIN RSA PRIVATE KEY-----\nMII..." } },
            }),
        );
        expectNone(
            await check(noPlainSecrets, {
                type: "kubernetes:core/v1:ConfigMap",
                name: "c",
                props: { data: { LOG_LEVEL: "info", PASSWORD_MIN_LENGTH: "" } },
            }),
        );
    });
    it("flags literal credential env vars and passes secretKeyRef", async () => {
        await expectPod(
            noPlainSecrets,
            podWithContainer("initContainers", (c) => (c.env = [{ name: "DB_PASSWORD", value: "hunter2" }])),
            /DB_PASSWORD/,
        );
        await expectPod(
            noPlainSecrets,
            podWithContainer(
                "containers",
                (c) => (c.env = [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }]),
            ),
            false,
        );
        await expectPod(noPlainSecrets, restrictedPod(), false);
    });
    it("passes names that point at a secret, and flags credentials inside URLs", async () => {
        await expectPod(
            noPlainSecrets,
            podWithContainer(
                "containers",
                (c) =>
                    (c.env = [
                        { name: "RECOVERY_SECRET_ID", value: "platform/vault/recovery" },
                        { name: "TOKEN_PATH", value: "/var/run/secrets/token" },
                    ]),
            ),
            false,
        );
        await expectPod(
            noPlainSecrets,
            podWithContainer("containers", (c) => (c.env = [{ name: "DATABASE_URL", value: "postgres://app:s3cret@db:5432/app" }])),
            /DATABASE_URL/,
        );
        await expectPod(
            noPlainSecrets,
            podWithContainer("containers", (c) => (c.env = [{ name: "DATABASE_URL", value: "postgres://db:5432/app" }])),
            false,
        );
    });
});
