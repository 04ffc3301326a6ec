# The live follower (liveclips/live_follower/app.py; docs/adr/0016-live-segments.md): a
# Cloud Run service in run.tf (run_settings["live-follower"]), pulling `follow-live`
# (locals.tf) as the functions' identity (iam.tf). Its instance count bounds how many
# live channels are followed at once (~a few dozen per instance: one 2 s segment
# analysis per channel every 2 s).
variable "live_follower_max_instances" {
  type    = number
  default = 5
}
