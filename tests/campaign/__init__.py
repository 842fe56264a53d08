"""Tests of the campaign capability: composition, feedback log, bandit, online updates, deployments."""
