package dev.cvkit.cli.docs;

import dev.cvkit.cli.Main;
import dev.cvkit.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Every generated file (relative path → content): man/*.1 and completions for bash and zsh.
 * {@code main(DIR)} writes them under DIR; the build runs it into target/, and the project's
 * copies are refreshed with {@code mvn -q -f pom-cvkit.xml compile exec:java@update-docs}.
 */
public final class GeneratedDocs {
    private GeneratedDocs() {}

    public static Map<String, String> all() {
        CommandLine root = Main.commandLine();
        root.setUsageHelpAutoWidth(false); // a fixed width: the pages must not depend on the terminal
        root.setUsageHelpWidth(100);
        Map<String, String> files = new LinkedHashMap<>();
        Deque<CommandLine> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            CommandLine cl = todo.poll();
            files.put("man/" + ManPage.fileName(cl.getCommandSpec()), ManPage.render(cl.getCommandSpec()));
            cl.getSubcommands().forEach((name, sub) -> {
                if (name.equals(sub.getCommandName())) {
                    todo.add(sub);
                }
            });
        }
        String bash = AutoComplete.bash("cvkit", root);
        files.put("completions/cvkit.bash", bash);
        // zsh runs the bash script through bashcompinit; the script itself stays in one place.
        files.put("completions/cvkit.zsh", "# zsh completion for cvkit: source this file from ~/.zshrc\n"
                + "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
                + "source \"${0:A:h}/cvkit.bash\"\n");
        return files;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        for (Map.Entry<String, String> e : all().entrySet()) {
            AtomicFiles.write(dir.resolve(e.getKey()), e.getValue().getBytes(StandardCharsets.UTF_8));
        }
    }
}
