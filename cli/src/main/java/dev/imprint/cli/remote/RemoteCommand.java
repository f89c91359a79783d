package dev.imprint.cli.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of a command that calls the server: runs {@link #call(ApiClient)}, prints its JSON with
 * {@code --output json} or lets the command render a table, and maps failures to exit codes
 * (0 done, 2 usage, 3 refused by the server, 4 server unreachable).
 */
public abstract class RemoteCommand implements Callable<Integer> {
  @Mixin protected RemoteOptions remote;
  @Spec protected CommandSpec spec;

  /** Performs the call and returns the JSON result to print. */
  protected abstract JsonNode call(ApiClient client);

  /** Prints the result for humans. */
  protected abstract void printTable(JsonNode result, PrintWriter out);

  /** The exit code of a successful call (0; a report that found something may say 1). */
  protected int exitCode(JsonNode result) {
    return 0;
  }

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      JsonNode result = call(remote.client());
      if (remote.json()) {
        out.println(ApiClient.json().writerWithDefaultPrettyPrinter().writeValueAsString(result));
      } else {
        printTable(result, out);
      }
      out.flush();
      return exitCode(result);
    } catch (RemoteException e) {
      err.println("imprint: " + e.getMessage() + (e.status() > 0
          ? " (HTTP " + e.status() + ", " + e.code() + ")" : ""));
      err.flush();
      return e.exitCode();
    } catch (IllegalArgumentException e) {
      err.println("imprint: " + e.getMessage());
      err.flush();
      return RemoteException.USAGE;
    } catch (JsonProcessingException e) {
      err.println("imprint: cannot render the result: " + e.getOriginalMessage());
      return RemoteException.USAGE;
    }
  }
}
