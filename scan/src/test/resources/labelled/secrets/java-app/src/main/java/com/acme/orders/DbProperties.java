package com.acme.orders;

import org.springframework.beans.factory.annotation.Value;

class DbProperties {
  static final String PASSWORD_PARAM = "password";
  static final String TOKEN_HEADER = "X-Auth-Token";

  @Value("${spring.datasource.password}")
  private String datasourcePassword;

  private final String apiKey = System.getenv("ORDERS_API_KEY");
}
