// No policies: measures what the CrossGuard server itself costs.
import { PolicyPack } from "@pulumi/policy";

new PolicyPack("empty-pack", { policies: [] });
