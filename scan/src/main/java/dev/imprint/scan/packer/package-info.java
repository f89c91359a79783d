/**
 * Packer templates: {@link dev.imprint.scan.packer.PackerReader} reads HCL2 ({@code *.pkr.hcl},
 * through the shared HCL reader), HCL2's JSON form and legacy JSON templates (through Jackson's
 * streaming parser, for token locations) into one small model,
 * {@link dev.imprint.scan.packer.PackerTemplate}, so that each rule is written once for every
 * syntax. {@link dev.imprint.scan.packer.PackerAnalyzer} runs the {@code IMP-PACKER-*} rules:
 * secrets in variables, provisioner commands, environments and sources; credential files copied
 * into images; base images that are mutable or not tied to a trusted publisher; downloads piped
 * into a shell; and long-lived keys left authorized in the image.
 */
package dev.imprint.scan.packer;
