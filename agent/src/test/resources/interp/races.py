import threading
counter = 0
def work(n):
    global counter
    for i in range(n):
        counter += 1
def bump():
    pass
def work_call(n):
    global counter
    for i in range(n):
        v = counter
        bump()
        counter = v + 1
def run(target, n):
    global counter
    counter = 0
    threads = [threading.Thread(target=target, args=(n,)) for _ in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    return 4 * n - counter
d = {'n': 0}
def dict_work(n):
    for i in range(n):
        d['n'] += 1
print("plain lost %d" % run(work, 200000))
print("call lost %d" % run(work_call, 200000))
ts = [threading.Thread(target=dict_work, args=(50000,)) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("dict %d" % d['n'])
