$headers = @{
    'Authorization' = "Bearer $env:SAGE200_TOKEN"
    'Accept' = 'application/json'
    'X-Site' = 'site-1'
    'X-Company' = '7'
}
$response = Invoke-RestMethod -Method Get -Uri 'https://api.columbus.sage.com/uk/sage200extra/accounts/v1/customers?$select=id,name,balance&$filter=name%20eq%20%27O%27%27Brien%20%26%20Sons%27&$top=100' -Headers $headers
$response | ConvertTo-Json -Depth 20
