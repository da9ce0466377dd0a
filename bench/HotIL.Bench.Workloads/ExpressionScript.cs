using System.Text;

namespace HotIL.Bench.Workloads;

/// <summary>
/// A tokenizer and a recursive-descent evaluator running a script of a few hundred
/// <c>let name = expression;</c> statements: branchy code made of many small methods.
/// </summary>
public sealed class ExpressionScript
{
    private readonly string _source;

    /// <param name="statements">Statements in the script.</param>
    public ExpressionScript(int statements = 300) => _source = Generate(statements);

    /// <summary>Length of the script in characters.</summary>
    public int Length => _source.Length;

    /// <summary>Tokenizes and evaluates the script; returns the sum of all assigned values.</summary>
    public long Evaluate() => new Interpreter(_source).Run();

    private static string Generate(int statements)
    {
        var random = new Random(42);
        var text = new StringBuilder();
        string Operand(int defined) => random.Next(3) == 0 || defined == 0 ? random.Next(1, 1000).ToString() : "v" + random.Next(defined);
        for (var i = 0; i < statements; i++)
        {
            text.Append("let v").Append(i).Append(" = ").Append(Operand(i));
            for (var terms = random.Next(2, 7); terms > 0; terms--)
            {
                var op = "+-*/%"[random.Next(5)];
                text.Append(' ').Append(op).Append(' ');
                if (op is '/' or '%') text.Append(random.Next(1, 50));
                else if (random.Next(4) == 0) text.Append("(-").Append(Operand(i)).Append(" + ").Append(Operand(i)).Append(')');
                else text.Append(Operand(i));
            }
            text.Append(";\n");
        }
        return text.ToString();
    }
}

/// <summary>What a token is.</summary>
public enum TokenKind
{
    /// <summary>End of input.</summary>
    End,
    /// <summary>A name.</summary>
    Identifier,
    /// <summary>A decimal integer.</summary>
    Number,
    /// <summary>One of <c>+ - * / % ( ) = ;</c>.</summary>
    Symbol,
}

/// <summary>A token: its kind and where it is in the source.</summary>
public readonly record struct Token(TokenKind Kind, int Start, int Length);

/// <summary>Splits source text into tokens.</summary>
public sealed class Lexer(string source)
{
    private int _position;

    /// <summary>The text of <paramref name="token"/>.</summary>
    public ReadOnlySpan<char> TextOf(Token token) => source.AsSpan(token.Start, token.Length);

    /// <summary>The first character of <paramref name="token"/>.</summary>
    public char FirstCharOf(Token token) => source[token.Start];

    /// <summary>Reads the next token.</summary>
    public Token Next()
    {
        SkipWhitespace();
        if (_position >= source.Length) return new Token(TokenKind.End, _position, 0);
        var start = _position;
        var c = source[_position];
        if (IsLetter(c)) return new Token(TokenKind.Identifier, start, ReadWhile(start, static ch => IsLetter(ch) || char.IsAsciiDigit(ch)));
        if (char.IsAsciiDigit(c)) return new Token(TokenKind.Number, start, ReadWhile(start, char.IsAsciiDigit));
        _position++;
        return new Token(TokenKind.Symbol, start, 1);
    }

    private void SkipWhitespace()
    {
        while (_position < source.Length && char.IsWhiteSpace(source[_position])) _position++;
    }

    private int ReadWhile(int start, Func<char, bool> accepts)
    {
        while (_position < source.Length && accepts(source[_position])) _position++;
        return _position - start;
    }

    private static bool IsLetter(char c) => char.IsAsciiLetter(c) || c == '_';
}

/// <summary>Evaluates a script with 64-bit wrapping arithmetic.</summary>
public sealed class Interpreter
{
    private readonly Lexer _lexer;
    private readonly Dictionary<string, long> _variables = [];
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private Token _current;

    /// <summary>An interpreter positioned at the start of <paramref name="source"/>.</summary>
    public Interpreter(string source)
    {
        _lexer = new Lexer(source);
        _lookup = _variables.GetAlternateLookup<ReadOnlySpan<char>>();
        _current = _lexer.Next();
    }

    /// <summary>Runs every statement; returns the sum of the assigned values.</summary>
    public long Run()
    {
        long total = 0;
        while (_current.Kind != TokenKind.End) total = unchecked(total + Statement());
        return total;
    }

    private long Statement()
    {
        Expect(TokenKind.Identifier); // let
        var name = _current;
        Expect(TokenKind.Identifier);
        ExpectSymbol('=');
        var value = Expression();
        ExpectSymbol(';');
        _lookup[_lexer.TextOf(name)] = value;
        return value;
    }

    private long Expression()
    {
        var value = Term();
        while (IsSymbol('+') || IsSymbol('-'))
        {
            var op = Advance();
            var right = Term();
            value = unchecked(_lexer.FirstCharOf(op) == '+' ? value + right : value - right);
        }
        return value;
    }

    private long Term()
    {
        var value = Factor();
        while (IsSymbol('*') || IsSymbol('/') || IsSymbol('%'))
        {
            var op = _lexer.FirstCharOf(Advance());
            var right = Factor();
            value = op switch
            {
                '*' => unchecked(value * right),
                '/' => value / right,
                _ => value % right,
            };
        }
        return value;
    }

    private long Factor()
    {
        if (IsSymbol('-'))
        {
            Advance();
            return unchecked(-Factor());
        }
        if (IsSymbol('('))
        {
            Advance();
            var value = Expression();
            ExpectSymbol(')');
            return value;
        }
        var token = Advance();
        return token.Kind switch
        {
            TokenKind.Number => long.Parse(_lexer.TextOf(token)),
            TokenKind.Identifier => _lookup[_lexer.TextOf(token)],
            _ => throw new FormatException($"unexpected '{_lexer.TextOf(token)}' at {token.Start}"),
        };
    }

    private bool IsSymbol(char symbol) => _current.Kind == TokenKind.Symbol && _lexer.FirstCharOf(_current) == symbol;

    private Token Advance()
    {
        var token = _current;
        _current = _lexer.Next();
        return token;
    }

    private void Expect(TokenKind kind)
    {
        if (Advance().Kind != kind) throw new FormatException($"expected {kind}");
    }

    private void ExpectSymbol(char symbol)
    {
        if (!IsSymbol(symbol)) throw new FormatException($"expected '{symbol}'");
        Advance();
    }
}
