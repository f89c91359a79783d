package dev.imprint.bench.load;

import java.net.http.HttpRequest;

/** One kind of API call the load generator repeats; one class per scenario. */
interface Scenario {
  /** The name used on the command line and in the results. */
  String name();

  /** Prepares what the requests need (runs once, with the admin token). */
  default void setUp(Target target) throws Exception {}

  /** The {@code i}-th request of client {@code client}. */
  HttpRequest request(Target target, int client, long i);

  /** The status a successful call answers. */
  int expectedStatus();
}
