# Values of the API key, the private keys and the account signing keys are added by hand (docs/deploy.md,
# step 3) so they never pass through Terraform state; the Redis ones are Terraform's.
locals {
  secrets = {
    "openai-api-key"         = ["api", "moderation-worker"]
    "cloudfront-private-key" = ["api"]
    # Signs private channels' playback tokens; the public half is imported into IVS.
    "ivs-playback-private-key" = ["api", "functions"]
    "redis-url"                = ["functions", "api", "studio-events"]
    "redis-ca"                 = ["functions", "api", "studio-events"]
    # Our own issuer's RS256 keys by kid (docs/accounts.md): the API signs and verifies,
    # the studio's events service verifies.
    "account-signing-keys" = ["api", "studio-events"]
    # The iOS app's APNs token key (.p8), for creator.live pushes (docs/social.md).
    "apns-private-key" = ["functions"]
  }
  secret_grants = merge([for s, readers in local.secrets : { for r in readers : "${s}/${r}" => { secret = s, sa = r } }]...)
}

resource "google_secret_manager_secret" "secret" {
  for_each  = local.secrets
  secret_id = "liveclips-${each.key}"

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each  = local.secret_grants
  secret_id = google_secret_manager_secret.secret[each.value.secret].id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.sa[each.value.sa].member
}

resource "google_secret_manager_secret_version" "redis" {
  for_each = {
    # TLS against Memorystore's own CA, mounted as a file (functions.tf, run.tf).
    "redis-url" = "rediss://:${google_redis_instance.cache.auth_string}@${google_redis_instance.cache.host}:${google_redis_instance.cache.port}/0?ssl_ca_certs=/secrets/redis-ca/ca.pem"
    "redis-ca"  = google_redis_instance.cache.server_ca_certs[0].cert
  }
  secret      = google_secret_manager_secret.secret[each.key].id
  secret_data = each.value
}
