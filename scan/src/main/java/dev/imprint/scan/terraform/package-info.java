/**
 * The shared Terraform/HCL reader ({@link dev.imprint.scan.terraform.TfReader}), its model
 * ({@link dev.imprint.scan.terraform.Tf}, {@link dev.imprint.scan.terraform.TfModule}) and the
 * Terraform analyzer; provider rule packages (aws, gcp, azure) depend on this package, never the
 * reverse.
 */
package dev.imprint.scan.terraform;
