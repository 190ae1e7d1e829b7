using System.Net.Http.Headers;

using var client = new HttpClient();
using var request = new HttpRequestMessage(new HttpMethod("POST"), "https://api.columbus.sage.com/uk/sage200extra/accounts/v1/customers?$top=100");
request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Environment.GetEnvironmentVariable("SAGE200_TOKEN"));
request.Headers.TryAddWithoutValidation("Accept", "application/json");
request.Headers.TryAddWithoutValidation("X-Site", "site-1");
request.Headers.TryAddWithoutValidation("X-Company", "7");
request.Headers.TryAddWithoutValidation("X-Trace", "abc-123");
request.Content = new StringContent("{\n  \"reference\": \"OBR01\",\n  \"name\": \"O'Brien \\\"Ltd\\\" & Café\"\n}");
request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
using var response = await client.SendAsync(request);
Console.WriteLine((int)response.StatusCode);
Console.WriteLine(await response.Content.ReadAsStringAsync());
