"""playbookgen: a sales team's pipeline in YAML, validated and rendered into a playbook."""

__version__ = "0.1.0"
