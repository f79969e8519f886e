/** The parts of a container image reference, with Docker's defaults applied. */
export interface ImageRef {
    registry: string;
    repository: string;
    tag?: string;
    digest?: string;
}

export function parseImage(image: string): ImageRef {
    const at = image.indexOf("@");
    const digest = at >= 0 ? image.slice(at + 1) : undefined;
    const nameAndTag = at >= 0 ? image.slice(0, at) : image;
    const lastSlash = nameAndTag.lastIndexOf("/");
    const colon = nameAndTag.lastIndexOf(":");
    const tag = colon > lastSlash ? nameAndTag.slice(colon + 1) : undefined;
    const name = colon > lastSlash ? nameAndTag.slice(0, colon) : nameAndTag;
    const first = name.split("/")[0];
    const hasRegistry = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    const registry = hasRegistry ? first : "docker.io";
    let repository = hasRegistry ? name.slice(first.length + 1) : name;
    if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
    return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `registry/repository`, the form allowed-registry prefixes are matched against. */
export function fullName(ref: ImageRef): string {
    return `${ref.registry}/${ref.repository}`;
}
