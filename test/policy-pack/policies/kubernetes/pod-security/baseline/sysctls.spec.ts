import { sysctls } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/sysctls";
import { expectPod, restrictedPod } from "../../../../helpers";

describe("pss:baseline:sysctls", () => {
    it("passes the safe sysctls", async () => {
        await expectPod(
            sysctls,
            {
                ...restrictedPod(),
                securityContext: {
                    ...restrictedPod().securityContext,
                    sysctls: [
                        { name: "net.ipv4.ip_unprivileged_port_start", value: "0" },
                        { name: "net.ipv4.tcp_keepalive_time", value: "600" },
                        { name: "net.ipv4.tcp_rmem", value: "4096 87380 6291456" },
                    ],
                },
            },
            false,
        );
    });
    it("flags an unsafe sysctl", async () => {
        await expectPod(
            sysctls,
            { ...restrictedPod(), securityContext: { sysctls: [{ name: "kernel.msgmax", value: "65536" }] } },
            /kernel\.msgmax/,
        );
    });
});
