curl -T f 'https://acme.blob.core.windows.net/c/f?sv=2022-11-02&ss=b&srt=o&sp=rw&se=2027-01-01T00:00:00Z&sig=U86xX6L%j62NRNQgEHZ01xeIEuGDWWL7iZWxhtGUC6C%3D'
