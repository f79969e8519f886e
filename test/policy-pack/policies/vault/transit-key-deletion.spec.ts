import { transitKeyDeletion } from "../../../../policy-pack/policies/vault/transit-key-deletion";
import { check, expectNone, expectViolations } from "../../helpers";

const key = (props: object) => ({
    type: "vault:transit/secretBackendKey:SecretBackendKey",
    name: "k",
    props: { backend: "transit", name: "shop.checkout", ...props },
});

describe("vault:transit-key-deletion", () => {
    it("passes a key that cannot be deleted (explicitly, or by Vault's default)", async () => {
        expectNone(await check(transitKeyDeletion, key({ deletionAllowed: false })));
        expectNone(await check(transitKeyDeletion, key({})));
    });
    it("flags deletionAllowed: true", async () => {
        expectViolations(await check(transitKeyDeletion, key({ deletionAllowed: true })), /deletionAllowed/);
    });
});
