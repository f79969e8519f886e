import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface VaultKeyArgs {
    clusterName: string;
    /** What the key protects, for its description. */
    purpose: string;
    /** The alias after `alias/<cluster>-`. */
    alias: string;
    deletionWindowDays: number;
    policy: pulumi.Input<string>;
    tags: Record<string, string>;
}

/** One of Vault's customer-managed keys, with its alias: rotated yearly, deleted only after the stack's window. */
export function vaultKey(name: string, args: VaultKeyArgs, opts: { parent: pulumi.Resource; protect?: boolean }): aws.kms.Key {
    const key = new aws.kms.Key(
        name,
        {
            description: `${args.clusterName}: ${args.purpose}`,
            enableKeyRotation: true,
            rotationPeriodInDays: 365,
            deletionWindowInDays: args.deletionWindowDays,
            policy: args.policy,
            tags: args.tags,
        },
        opts,
    );
    new aws.kms.Alias(name, { name: `alias/${args.clusterName}-${args.alias}`, targetKeyId: key.keyId }, { parent: opts.parent });
    return key;
}
