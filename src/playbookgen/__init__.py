"""playbookgen: a sales team's pipeline in YAML, validated and rendered into a playbook."""

__version__ = "0.1.0"
# The project's own Git repository (pyproject.toml's [project.urls] Repository, held equal by a test):
# where the workflow `init` writes installs playbookgen from, as it is on no package index.
REPOSITORY = "https://github.com/playbookgen/playbookgen"
