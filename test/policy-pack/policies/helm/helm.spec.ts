import { chartVersionPinned } from "../../../../policy-pack/policies/helm/chart-version-pinned";
import { releaseSecurityValues } from "../../../../policy-pack/policies/helm/release-security-values";
import { check, expectNone, expectViolations } from "../../helpers";

const release = (props: object, type = "kubernetes:helm.sh/v3:Release") => ({ type, name: "r", props });

describe("helm", () => {
    it("chart-version-pinned passes exact versions and local charts, flags ranges, absence and devel", async () => {
        expectNone(await check(chartVersionPinned, release({ chart: "vault", version: "0.31.0" })));
        expectNone(await check(chartVersionPinned, release({ chart: "./charts/web" })));
        expectViolations(await check(chartVersionPinned, release({ chart: "istiod" })), /no version/);
        expectViolations(
            await check(chartVersionPinned, release({ chart: "istiod", version: "^1.27.0" }, "kubernetes:helm.sh/v4:Chart")),
            /not an exact version/,
        );
        expectViolations(await check(chartVersionPinned, release({ chart: "x", version: "1.0.0", devel: true })), /devel/);
    });
    it("release-security-values flags isolation switches anywhere in values", async () => {
        expectNone(await check(releaseSecurityValues, release({ chart: "web", values: { securityContext: { privileged: false } } })));
        expectViolations(
            await check(
                releaseSecurityValues,
                release({
                    chart: "agent",
                    values: { daemonset: { hostNetwork: true, containers: [{ securityContext: { privileged: true } }] } },
                }),
            ),
            /daemonset\.hostNetwork.*privileged/,
        );
    });
    it("release-security-values judges Vault's chart settings", async () => {
        expectNone(
            await check(
                releaseSecurityValues,
                release({ chart: "vault", values: { global: { tlsDisable: false }, injector: { failurePolicy: "Fail" } } }),
            ),
        );
        expectViolations(await check(releaseSecurityValues, release({ chart: "hashicorp/vault", values: {} })), /tlsDisable/);
        expectViolations(
            await check(
                releaseSecurityValues,
                release({ chart: "vault", values: { global: { tlsDisable: false }, server: { dev: { enabled: true } } } }),
            ),
            /dev mode/,
        );
        expectViolations(
            await check(
                releaseSecurityValues,
                release({ chart: "vault", values: { global: { tlsDisable: false }, injector: { failurePolicy: "Ignore" } } }),
            ),
            /failurePolicy/,
        );
    });
});
