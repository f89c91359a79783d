locals {
  app_settings = {
    LOG_LEVEL     = "info"
    SLACK_NOTIFY  = "xoxb-204817364512-593816204731-Qm7vT2xLp9sK4wZ8nB3cR6yH" # expect: IMP-TF-002
  }
}
