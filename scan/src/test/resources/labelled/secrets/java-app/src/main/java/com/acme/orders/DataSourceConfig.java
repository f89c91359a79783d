package com.acme.orders;

@Configuration
class DataSourceConfig {
  @Value("${spring.datasource.password}")
  private String password;
  private static final String TOKEN_HEADER = "X-Auth-Token";

  DataSource dataSource(Props props) {
    String secret = computeIt();
    String apiKey = props.getApiKey2();
    String secretKey = defaultSecretKey2;
    return build(password, secret, apiKey, secretKey);
  }
}
