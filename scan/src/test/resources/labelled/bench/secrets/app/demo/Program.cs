using Headless.Api;

var builder = WebApplication.CreateBuilder(args);

builder.AddHeadlessApi(encryption =>
{
    encryption.DefaultPassPhrase = "DemoPassPhrase123456";
    encryption.InitVectorBytes = "DemoIV0123456789"u8.ToArray();
});

var app = builder.Build();
app.Run();
