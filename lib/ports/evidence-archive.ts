/** Where the deployed evidence function keeps packages: write-once storage (S3 with Object Lock). */
export interface EvidenceArchive {
  /**
   * Stores every file of a package under `prefix`, the manifest last, each as a new object only.
   * Returns the keys written.
   * @throws ConflictError when an object of that key already exists (nothing is overwritten).
   */
  putPackage(
    prefix: string,
    files: ReadonlyMap<string, Uint8Array>,
    options: { readonly packageDigest: string },
  ): Promise<string[]>;
}
