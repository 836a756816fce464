package dev.cvkit.cli.docs;

import dev.cvkit.cli.VersionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes one roff man page for a command from its picocli model: name, synopsis, description,
 * options, arguments, examples (the help footer) and exit status. No dates, so the output is a
 * pure function of the code and a test can compare it with the committed pages.
 */
public final class ManPage {
    private ManPage() {}

    /** File name of a command's page: cvkit.1, cvkit-propose.1, cvkit-models-summary.1. */
    public static String fileName(CommandSpec spec) {
        return spec.qualifiedName("-") + ".1";
    }

    public static String render(CommandSpec spec) {
        StringBuilder b = new StringBuilder();
        String page = spec.qualifiedName("-");
        b.append(".TH \"").append(page.toUpperCase(Locale.ROOT)).append("\" 1 \"\" \"cvkit ").append(VersionInfo.VERSION)
                .append("\" \"cvkit Manual\"\n");
        b.append(".SH NAME\n").append(esc(page)).append(" \\- ").append(esc(firstLine(spec))).append('\n');

        b.append(".SH SYNOPSIS\n.nf\n");
        String synopsis = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
                .synopsis(0).stripTrailing();
        b.append(escBlock(synopsis)).append("\n.fi\n");

        b.append(".SH DESCRIPTION\n");
        for (String line : spec.usageMessage().description()) {
            b.append(esc(line)).append("\n.PP\n");
        }
        if (!spec.subcommands().isEmpty()) {
            b.append(".SH COMMANDS\n");
            spec.subcommands().forEach((name, sub) -> {
                if (sub.getCommandSpec().usageMessage().hidden() || !name.equals(sub.getCommandName())) {
                    return;
                }
                b.append(".TP\n\\fB").append(esc(name)).append("\\fR\n").append(esc(firstLine(sub.getCommandSpec())))
                        .append(" See \\fB").append(esc(sub.getCommandSpec().qualifiedName("-"))).append("\\fR(1).\n");
            });
        }
        List<PositionalParamSpec> positionals = spec.positionalParameters();
        if (!positionals.isEmpty()) {
            b.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : positionals) {
                if (p.hidden()) {
                    continue;
                }
                b.append(".TP\n\\fI").append(esc(p.paramLabel())).append("\\fR\n");
                b.append(esc(String.join(" ", p.description()))).append('\n');
            }
        }
        b.append(".SH OPTIONS\n");
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            b.append(".TP\n");
            List<String> names = new ArrayList<>();
            for (String n : o.names()) {
                names.add("\\fB" + esc(n) + "\\fR");
            }
            b.append(String.join(", ", names));
            if (o.arity().max() > 0) {
                b.append("=\\fI").append(esc(o.paramLabel())).append("\\fR");
            }
            b.append('\n').append(esc(String.join(" ", o.description()))).append('\n');
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            b.append(".SH EXAMPLES\n.nf\n");
            for (String line : footer) {
                b.append(escBlock(line.replace("%n", ""))).append('\n');
            }
            b.append(".fi\n");
        }
        b.append(".SH EXIT STATUS\n")
                .append("0 success; 1 at least one input failed (the others were processed and written); ")
                .append("2 usage error or unusable file; 3 a quality gate (\\-\\-min) was missed.\n");
        b.append(".SH SEE ALSO\n\\fBcvkit\\fR(1)\n");
        return b.toString();
    }

    private static String firstLine(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        return d.length == 0 ? spec.name() : d[0];
    }

    /** Escapes text for a roff paragraph. */
    static String esc(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        if (t.startsWith(".") || t.startsWith("'")) {
            t = "\\&" + t;
        }
        return t;
    }

    /** Escapes each line of a preformatted block. */
    static String escBlock(String s) {
        StringBuilder b = new StringBuilder();
        String[] lines = s.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                b.append('\n');
            }
            b.append(esc(lines[i]));
        }
        return b.toString();
    }
}
