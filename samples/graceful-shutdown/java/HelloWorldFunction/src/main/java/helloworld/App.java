package helloworld;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/**
 * A function that cleans up when its execution environment shuts down.
 *
 * <p>Lambda sends the runtime SIGTERM at Shutdown when an external extension is registered; the
 * JVM answers SIGTERM by running its shutdown hooks and then exits with status 143. The hook must
 * not call System.exit: that blocks for good while the hooks are running.
 */
public class App implements RequestHandler<Map<String, Object>, String> {

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(App::cleanUp, "graceful-shutdown"));
    }

    private static void cleanUp() {
        System.out.println("[runtime] ShutdownHook triggered");
        System.out.println("[runtime] Cleaning up");
        try {
            Thread.sleep(100); // stands in for flushing buffers, closing connections and the like
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("[runtime] exiting");
    }

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        System.out.println("[handler] invoked");
        return "{\"message\":\"hello world\"}";
    }
}
