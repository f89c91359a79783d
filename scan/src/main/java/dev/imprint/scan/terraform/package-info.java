/**
 * The shared Terraform/HCL reader ({@link dev.imprint.scan.terraform.TfReader}, which also reads
 * {@code .tfvars} definitions), its model ({@link dev.imprint.scan.terraform.Tf},
 * {@link dev.imprint.scan.terraform.TfModule}), the module's variables and locals resolved where
 * they are known statically ({@link dev.imprint.scan.terraform.TfValues}: auto-loaded tfvars,
 * defaults, locals, templates; never across module calls), a walker over literal strings that
 * finds their
 * exact lines ({@link dev.imprint.scan.terraform.TfLiterals}), and the Terraform analyzer with
 * the provider-independent rules (IMP-TF-nnn: secret-like variables, literal secrets, outputs
 * that expose secrets, static provider credentials). Provider rule packages (aws, gcp, azure)
 * depend on this package, never the reverse; the attributes they report more precisely are
 * listed in {@code TfSecretChecks.ownedElsewhere} so that one secret is reported once.
 */
package dev.imprint.scan.terraform;
