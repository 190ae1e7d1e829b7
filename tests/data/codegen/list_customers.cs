using System.Net.Http.Headers;

using var client = new HttpClient();
using var request = new HttpRequestMessage(new HttpMethod("GET"), "https://api.columbus.sage.com/uk/sage200extra/accounts/v1/customers?$select=id,name,balance&$filter=name%20eq%20%27O%27%27Brien%20%26%20Sons%27&$top=100");
request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Environment.GetEnvironmentVariable("SAGE200_TOKEN"));
request.Headers.TryAddWithoutValidation("Accept", "application/json");
request.Headers.TryAddWithoutValidation("X-Site", "site-1");
request.Headers.TryAddWithoutValidation("X-Company", "7");
using var response = await client.SendAsync(request);
Console.WriteLine((int)response.StatusCode);
Console.WriteLine(await response.Content.ReadAsStringAsync());
