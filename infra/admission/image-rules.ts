// The image rule is defined once, in the policy pack (a published pack carries only its own folder);
// the admission policies compile the same patterns into CEL.
export * from "../../policy-pack/lib/image-rules";
