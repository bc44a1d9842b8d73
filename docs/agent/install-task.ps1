# Run once in an elevated PowerShell on the Kodeks server: registers the task "SMART agent".
$root = 'C:\smart-agent'
# Only SYSTEM and Administrators may read the token.
icacls "$root\github-token.txt" /inheritance:r /grant:r 'SYSTEM:R' 'Administrators:F' | Out-Null

$action = New-ScheduledTaskAction -Execute 'powershell.exe' `
  -Argument "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$root\run-agent.ps1`"" `
  -WorkingDirectory $root
# Every 5 minutes, indefinitely (no -RepetitionDuration), and once at startup.
$every5 = New-ScheduledTaskTrigger -Once -At (Get-Date).AddMinutes(1) -RepetitionInterval (New-TimeSpan -Minutes 5)
$atBoot = New-ScheduledTaskTrigger -AtStartup
$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit (New-TimeSpan -Minutes 4) `
  -MultipleInstances IgnoreNew -StartWhenAvailable -DontStopIfGoingOnBatteries -AllowStartIfOnBatteries
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Limited
Register-ScheduledTask -TaskName 'SMART agent' -Action $action -Trigger $every5, $atBoot `
  -Settings $settings -Principal $principal -Force | Out-Null
Start-ScheduledTask -TaskName 'SMART agent'
