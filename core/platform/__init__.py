"""The platform under every context: connections, settings, errors, migrations, storage, inputs."""
