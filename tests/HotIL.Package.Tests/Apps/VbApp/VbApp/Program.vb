Module Program
    Sub Main()
        Console.WriteLine("hello from Visual Basic")
    End Sub
End Module
