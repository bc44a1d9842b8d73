# C:\smart-agent\run-agent.ps1 — one report of the SMART agent; Task Scheduler starts it every 5 minutes.
$ErrorActionPreference = 'Stop'
$root = 'C:\smart-agent'
# The token lives in a file only SYSTEM and Administrators can read (see install-task.ps1).
$env:GITHUB_TOKEN = (Get-Content -Raw -LiteralPath "$root\github-token.txt").Trim()
$env:GITHUB_REPOSITORY = 'uniclass/smart-status'
$installation = 'acme/main'
# The last run's output only: the log never grows.
& node "$root\app\bin\smart.js" agent --installation $installation --config "$root\installations.yaml" --store github --once *> "$root\last-run.log"
exit $LASTEXITCODE
