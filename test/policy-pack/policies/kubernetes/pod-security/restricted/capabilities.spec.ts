import { capabilitiesRestricted } from "../../../../../../policy-pack/policies/kubernetes/pod-security/restricted/capabilities";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:restricted:capabilities", () => {
    it("passes drop ALL, with NET_BIND_SERVICE added back", async () => {
        await expectPod(capabilitiesRestricted, restrictedPod(), false);
        await expectPod(
            capabilitiesRestricted,
            podWithContainer("containers", (c) => (c.securityContext.capabilities.add = ["NET_BIND_SERVICE"])),
            false,
        );
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags a container in ${list} that does not drop ALL`, async () => {
            await expectPod(
                capabilitiesRestricted,
                podWithContainer(list, (c) => (c.securityContext.capabilities = { drop: ["NET_RAW"] })),
                /drop=\["ALL"\]/,
            );
        });
        it(`flags an addition other than NET_BIND_SERVICE in ${list}`, async () => {
            await expectPod(
                capabilitiesRestricted,
                podWithContainer(list, (c) => (c.securityContext.capabilities.add = ["CHOWN"])),
                /CHOWN/,
            );
        });
    }
    it("exempts Windows pods", async () => {
        await expectPod(
            capabilitiesRestricted,
            { ...podWithContainer("containers", (c) => (c.securityContext.capabilities = {})), os: { name: "windows" } },
            false,
        );
    });
});
