resource "google_artifact_registry_repository" "app" {
  location      = "europe-west1"
  repository_id = "app"
  format        = "DOCKER"

  docker_config {
    immutable_tags = true
  }
}

# Not a Docker repository.
resource "google_artifact_registry_repository" "python" {
  location      = "europe-west1"
  repository_id = "python"
  format        = "PYTHON"
}

# A remote (pull-through) repository caches another registry's tags.
resource "google_artifact_registry_repository" "hub" {
  location      = "europe-west1"
  repository_id = "docker-hub"
  format        = "DOCKER"
  mode          = "REMOTE_REPOSITORY"
}
