resource "google_artifact_registry_repository" "app" { # expect: IMP-GCP-012
  location      = "europe-west1"
  repository_id = "app"
  format        = "DOCKER"
}

resource "google_artifact_registry_repository" "tools" {
  location      = "europe-west1"
  repository_id = "tools"
  format        = "docker"
  mode          = "STANDARD_REPOSITORY"

  docker_config {
    immutable_tags = false # expect: IMP-GCP-012
  }
}
