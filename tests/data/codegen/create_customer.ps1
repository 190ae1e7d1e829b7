$headers = @{
    'Authorization' = "Bearer $env:SAGE200_TOKEN"
    'Accept' = 'application/json'
    'X-Site' = 'site-1'
    'X-Company' = '7'
    'X-Trace' = 'abc-123'
}
$response = Invoke-RestMethod -Method Post -Uri 'https://api.columbus.sage.com/uk/sage200extra/accounts/v1/customers?$top=100' -Headers $headers -ContentType 'application/json' -Body ([System.Text.Encoding]::UTF8.GetBytes('{
  "reference": "OBR01",
  "name": "O''Brien \"Ltd\" & Café"
}'))
$response | ConvertTo-Json -Depth 20
